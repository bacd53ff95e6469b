/**
 * The CI identities trust only deploy jobs of one repository in one GitHub environment: the AWS
 * role's trust policy and the GCP provider's attribute condition both pin the OIDC subject to
 * `repo:<owner>/<repo>:environment:<env>` (and AWS the audience to STS).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { attribute, moduleBlocks } from './hcl.ts';

const TF = join(import.meta.dirname, '../../infra/terraform/modules');
// Terraform interpolations, not JavaScript ones: `$` is written apart so no reader mistakes them.
const TF_DOLLAR = '$';
const SUBJECT = `repo:${TF_DOLLAR}{var.repository}:environment:${TF_DOLLAR}{var.environment}`;

describe('CI identity trust', () => {
  it('GCP: the provider admits only the environment subject of the repository', () => {
    const blocks = moduleBlocks(join(TF, 'gcp/ci-identity'));
    const provider = blocks.find((b) => b.label === 'google_iam_workload_identity_pool_provider');
    assert.equal(
      attribute(provider?.body ?? '', 'attribute_condition'),
      `"assertion.sub == \\"${TF_DOLLAR}{local.subject}\\""`,
    );
    assert.match(
      blocks.find((b) => b.type === 'locals')?.body ?? '',
      /subject = "repo:\$\{var\.repository\}:environment:\$\{var\.environment\}"/,
    );
    const binding = blocks.find((b) => b.label === 'google_service_account_iam_member');
    assert.match(attribute(binding?.body ?? '', 'member') ?? '', /\/subject\/\$\{local\.subject\}"$/);
  });

  it('AWS: the role trusts the environment subject and the STS audience, with StringEquals', () => {
    const trust = moduleBlocks(join(TF, 'aws/ci-identity')).find(
      (b) => b.type === 'data' && b.label === 'aws_iam_policy_document',
    );
    const body = trust?.body ?? '';
    assert.ok(body.includes(`values   = ["${SUBJECT}"]`), 'sub must be the exact environment subject');
    assert.ok(body.includes('values   = ["sts.amazonaws.com"]'), 'aud must be sts.amazonaws.com');
    assert.doesNotMatch(body, /StringLike/, 'no wildcards in the trust policy');
  });
});
