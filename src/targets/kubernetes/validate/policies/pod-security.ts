/**
 * The `restricted` Pod Security Standard (https://kubernetes.io/docs/concepts/security/pod-security-standards/)
 * as rules over rendered pod templates, plus the read-only root filesystem Slipway adds.
 */
import { type ContainerRef, containers, effective, pods, type Rule } from './rule.ts';

const RESTRICTED_VOLUMES = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);

const each =
  (check: (c: ContainerRef) => { field: string; message: string } | undefined): Rule['check'] =>
  (objects) =>
    containers(objects).flatMap((c) => {
      const problem = check(c);
      return problem
        ? [{ object: c.pod.ref, path: `${c.path}.${problem.field}`, message: problem.message }]
        : [];
    });

export const podSecurityRules: Rule[] = [
  {
    id: 'pss-run-as-non-root',
    description: 'restricted PSS: runAsNonRoot true and never runAsUser 0 (pod or container)',
    check: each((c) => {
      if (effective(c, 'runAsUser') === 0)
        return { field: 'securityContext.runAsUser', message: 'runs as root (UID 0)' };
      if (effective(c, 'runAsNonRoot') !== true) {
        return {
          field: 'securityContext.runAsNonRoot',
          message: 'must be true (on the pod or the container)',
        };
      }
      return undefined;
    }),
  },
  {
    id: 'pss-privilege-escalation',
    description: 'restricted PSS: allowPrivilegeEscalation false and not privileged',
    check: each((c) => {
      if (c.container.securityContext?.privileged === true)
        return { field: 'securityContext.privileged', message: 'must not be true' };
      if (c.container.securityContext?.allowPrivilegeEscalation !== false) {
        return { field: 'securityContext.allowPrivilegeEscalation', message: 'must be false' };
      }
      return undefined;
    }),
  },
  {
    id: 'pss-capabilities',
    description: 'restricted PSS: capabilities drop ALL, add at most NET_BIND_SERVICE',
    check: each((c) => {
      const caps = c.container.securityContext?.capabilities ?? {};
      if (!(caps.drop ?? []).includes('ALL'))
        return { field: 'securityContext.capabilities.drop', message: 'must include ALL' };
      const extra = (caps.add ?? []).filter((a: string) => a !== 'NET_BIND_SERVICE');
      if (extra.length > 0)
        return { field: 'securityContext.capabilities.add', message: `adds ${extra.join(', ')}` };
      return undefined;
    }),
  },
  {
    id: 'pss-seccomp',
    description: 'restricted PSS: seccompProfile RuntimeDefault or Localhost (pod or container)',
    check: each((c) => {
      const type = (effective(c, 'seccompProfile') as { type?: string } | undefined)?.type;
      return type === 'RuntimeDefault' || type === 'Localhost'
        ? undefined
        : {
            field: 'securityContext.seccompProfile.type',
            message: `must be RuntimeDefault or Localhost, got ${type ?? 'none'}`,
          };
    }),
  },
  {
    id: 'pss-host-access',
    description: 'baseline/restricted PSS: no host network, PID, IPC, ports or hostPath volumes',
    check: (objects) => [
      ...pods(objects).flatMap((p) =>
        ['hostNetwork', 'hostPID', 'hostIPC']
          .filter((f) => p.spec[f] === true)
          .map((f) => ({ object: p.ref, path: `${p.path}.${f}`, message: 'must not be true' })),
      ),
      ...each((c) => {
        const i = (c.container.ports ?? []).findIndex((port: { hostPort?: number }) => port.hostPort);
        return i === -1 ? undefined : { field: `ports[${i}].hostPort`, message: 'must not be set' };
      })(objects),
    ],
  },
  {
    id: 'pss-volume-types',
    description: `restricted PSS: volumes only of types ${[...RESTRICTED_VOLUMES].join(', ')}`,
    check: (objects) =>
      pods(objects).flatMap((p) =>
        ((p.spec.volumes ?? []) as Record<string, unknown>[]).flatMap((v, i) => {
          const types = Object.keys(v).filter((k) => k !== 'name');
          const bad = types.filter((t) => !RESTRICTED_VOLUMES.has(t));
          return bad.length > 0
            ? [
                {
                  object: p.ref,
                  path: `${p.path}.volumes[${i}]`,
                  message: `volume type ${bad.join(', ')} is not allowed`,
                },
              ]
            : [];
        }),
      ),
  },
  {
    id: 'read-only-root',
    description: 'containers run with readOnlyRootFilesystem (writable scratch is an emptyDir at /tmp)',
    check: each((c) =>
      c.container.securityContext?.readOnlyRootFilesystem === true
        ? undefined
        : { field: 'securityContext.readOnlyRootFilesystem', message: 'must be true' },
    ),
  },
];
