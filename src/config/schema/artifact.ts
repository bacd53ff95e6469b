import { z } from 'zod';

/** `registry[:port]/path`, lowercase, without tag or digest (OCI distribution spec grammar, simplified). */
const REPOSITORY =
  /^(?:[a-z0-9]+(?:[.-][a-z0-9]+)*(?::\d+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

const image = z
  .string()
  .superRefine((text, ctx) => {
    const lastSegment = text.slice(text.lastIndexOf('/') + 1);
    const problem = text.includes('@')
      ? { message: 'includes a digest', hint: 'write only the repository; slipway deploy picks the digest' }
      : lastSegment.includes(':')
        ? {
            message: 'includes a tag',
            hint: 'write only the repository; releases are pinned by digest, never by tag',
          }
        : REPOSITORY.test(text)
          ? undefined
          : { message: 'is not an OCI repository name', hint: 'use lowercase, e.g. ghcr.io/acme/hello' };
    if (problem) {
      ctx.addIssue({
        code: 'custom',
        message: problem.message,
        input: text,
        params: { expected: 'an image repository such as ghcr.io/acme/hello', hint: problem.hint },
      });
    }
  })
  .meta({
    pattern: REPOSITORY.source,
    description: 'OCI image repository for the kubernetes target, without tag or digest.',
  });

const nonEmpty = () => z.string().trim().min(1);

export const localArtifact = z
  .strictObject({
    build: nonEmpty().optional().meta({
      description:
        'Shell command run in the folder of slipway.yaml before `path` is packed (e.g. `npm run bundle`).',
    }),
    path: nonEmpty().meta({ description: 'Folder to pack, relative to slipway.yaml.' }),
    start: nonEmpty().meta({
      description: 'Command that runs one instance, from inside the unpacked release folder.',
    }),
  })
  .meta({ description: 'How the local target builds, packs and starts the service.' });

export const artifact = z
  .strictObject({ image: image.optional(), local: localArtifact.optional() })
  .meta({ description: 'What is deployed: an OCI image (kubernetes) and/or a local folder (local).' });
