/**
 * The `argo-rollouts` format: for teams that run the Argo Rollouts controller instead of Slipway's
 * engine. One `Rollout` (argoproj.io/v1alpha1) replaces the per-revision Deployments; the strategy
 * maps from config:
 * - canary steps: `setWeight` and `pause` map one to one; an `analysis` step becomes a timed pause
 *   of its `maxDuration` (Slipway's sequential analysis has no Argo equivalent; add an
 *   AnalysisTemplate yourself) — a note says so;
 * - canary traffic: with `kubernetes.gateway`, the Gateway API plugin (`argoproj-labs/gatewayAPI`)
 *   moves the HTTPRoute weights between `<service>` and `<service>-canary`; without, replica ratio;
 * - blue-green: `activeService` `<service>`, `previewService` `<service>-preview`, `autoPromote`,
 *   `scaleDownDelay`; rolling: a canary without steps (maxSurge / maxUnavailable).
 * Services select every pod of the service; Argo adds its pod-template-hash to their selectors.
 */
import { parseDuration } from '../../../config/index.ts';
import { canonical, type KubeObject, ownerLabels, podSelector } from '../objects.ts';
import { type RenderContext, type Scope, SERVICE_PORT } from './context.ts';
import { scopeOf, sortObjects } from './index.ts';
import { podMonitor } from './monitoring.ts';
import { httpRoutes, ingress, networkPolicy, previewName, service } from './network.ts';
import { podTemplate } from './pod.ts';
import { externalSecrets } from './secrets.ts';
import { configMap, hpa, namespace, pdb, serviceAccount } from './workloads.ts';

export const GATEWAY_PLUGIN = 'argoproj-labs/gatewayAPI';
const canaryName = (s: string) => `${s}-canary`;
const secondsText = (d: string) => `${Math.ceil((parseDuration(d) ?? 0) / 1000)}s`;

function strategy(scope: Scope, notes: string[]) {
  const { config, owner } = scope;
  const bg = config.strategy['blue-green'];
  if (bg) {
    if (bg.prePromotionAnalysis) {
      notes.push(
        'blue-green prePromotionAnalysis has no Argo equivalent here: add a prePromotionAnalysis AnalysisTemplate',
      );
    }
    return {
      blueGreen: {
        activeService: owner.service,
        previewService: previewName(owner.service),
        autoPromotionEnabled: bg.autoPromote,
        scaleDownDelaySeconds: Math.ceil((parseDuration(bg.scaleDownDelay) ?? 0) / 1000),
      },
    };
  }
  const canary = config.strategy.canary;
  if (!canary) {
    const r = config.strategy.rolling;
    return { canary: { maxSurge: r?.maxSurge ?? 1, maxUnavailable: r?.maxUnavailable ?? 0 } };
  }
  const steps = canary.steps.map((step, i) => {
    if (step.setWeight !== undefined) return { setWeight: step.setWeight };
    if (step.pause)
      return { pause: step.pause.duration ? { duration: secondsText(step.pause.duration) } : {} };
    notes.push(
      `canary step ${i} (analysis) became a ${secondsText(step.analysis?.maxDuration ?? '0s')} pause: add an Argo AnalysisTemplate to judge it`,
    );
    return { pause: { duration: secondsText(step.analysis?.maxDuration ?? '0s') } };
  });
  const routing = config.kubernetes.gateway
    ? {
        trafficRouting: {
          plugins: { [GATEWAY_PLUGIN]: { httpRoute: owner.service, namespace: scope.namespace } },
        },
      }
    : {};
  return {
    canary: { stableService: owner.service, canaryService: canaryName(owner.service), steps, ...routing },
  };
}

/** Objects of the argo-rollouts format plus notes on what did not map exactly (print them). */
export function renderArgoRollouts(
  env: Scope['config'],
  ctx: RenderContext,
): { objects: KubeObject[]; notes: string[] } {
  // Argo manages revisions itself: render the newest one, at the configured size.
  const newest = [...ctx.revisions].sort((a, b) => a.release - b.release).at(-1);
  const revisions = newest ? [{ ...newest, replicas: env.replicas }] : [];
  const weights = newest ? { [String(newest.release)]: 100 } : {};
  const scope = scopeOf(env, { ...ctx, revisions, traffic: { weights } });
  const revision = scope.revisions[0]!;
  const notes: string[] = [];
  const cm = configMap(scope);
  const selector = podSelector(scope.owner);
  const labels = ownerLabels(scope.owner, 'server');
  const rollout: KubeObject = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: scope.owner.service, namespace: scope.namespace, labels },
    spec: {
      replicas: revision.replicas,
      revisionHistoryLimit: 2,
      progressDeadlineSeconds: Math.ceil((parseDuration(env.progressDeadline) ?? 600_000) / 1000),
      progressDeadlineAbort: true,
      selector: { matchLabels: selector },
      template: podTemplate(scope, revision, cm.metadata.name, labels, selector),
      strategy: strategy(scope, notes),
    },
  };
  const isCanary = env.strategy.canary !== undefined;
  const services = [service(scope, scope.owner.service, selector, 'stable')];
  if (env.strategy['blue-green'])
    services.push(service(scope, previewName(scope.owner.service), selector, 'preview'));
  if (isCanary) services.push(service(scope, canaryName(scope.owner.service), selector, 'canary'));
  const backendRefs = isCanary
    ? [
        { name: scope.owner.service, port: SERVICE_PORT, weight: 100 },
        { name: canaryName(scope.owner.service), port: SERVICE_PORT, weight: 0 },
      ]
    : undefined;
  const objects = [
    ...namespace(scope),
    serviceAccount(scope),
    cm,
    ...externalSecrets(scope),
    rollout,
    ...services,
    ...ingress(scope),
    ...httpRoutes(scope, backendRefs),
    ...hpa(scope, { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: scope.owner.service }),
    pdb(scope),
    ...networkPolicy(scope),
    ...podMonitor(scope),
  ];
  return { objects: sortObjects(objects.map(canonical)), notes };
}
