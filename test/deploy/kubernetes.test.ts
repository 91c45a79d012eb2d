/**
 * deploy/kubernetes rendered by Kustomize (`kubectl kustomize`, no cluster here) and every
 * manifest validated against the Kubernetes and KEDA JSON Schemas (kubernetes-models,
 * @kubernetes-models/keda), then checked for what Polder needs: a Deployment per role, probes on
 * /healthz and /readyz, requests, a non-root user, disruption budgets, the worker autoscaler.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { kustomize } from './deploy-files.js';

type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  // biome-ignore lint/suspicious/noExplicitAny: rendered manifests, walked field by field below
  spec?: any;
  // biome-ignore lint/suspicious/noExplicitAny: a ConfigMap's data
  data?: any;
};
type Model = { validate(): void };

/** The kubernetes-models class of a manifest's apiVersion and kind (KEDA's from @kubernetes-models/keda). */
async function modelOf(m: Manifest): Promise<new (data: object) => Model> {
  const group = m.apiVersion.includes('/') ? m.apiVersion : `v1`;
  const spec = group.startsWith('keda.sh/')
    ? `@kubernetes-models/keda/${group}/${m.kind}`
    : `kubernetes-models/${group}/${m.kind}`;
  const mod = (await import(/* @vite-ignore */ spec)) as Record<string, new (data: object) => Model>;
  const model = mod[m.kind];
  if (!model) throw new Error(`no schema for ${m.apiVersion} ${m.kind}`);
  return model;
}

async function validate(m: Manifest): Promise<void> {
  const Model = await modelOf(m);
  new Model(m).validate();
}

const ROLES = ['api', 'ingest', 'worker', 'scheduler'];
const overlays = { base: kustomize('base'), keda: kustomize('overlays/keda'), hpa: kustomize('overlays/hpa') } as Record<
  string,
  Manifest[]
>;
const byKind = (docs: Manifest[], kind: string) => docs.filter((d) => d.kind === kind);

describe('deploy/kubernetes', () => {
  for (const [name, docs] of Object.entries(overlays))
    it(`${name}: every rendered manifest validates against its schema`, async () => {
      expect(docs.length).toBeGreaterThanOrEqual(10);
      for (const doc of docs) await expect(validate(doc), `${doc.kind} ${doc.metadata.name}`).resolves.toBeUndefined();
    });

  it('the schemas refuse a broken manifest (the check can fail)', async () => {
    const deployment = structuredClone(byKind(overlays.base as Manifest[], 'Deployment')[0] as Manifest);
    deployment.spec.template.spec.containers[0].ports[0].containerPort = 'eighty';
    await expect(validate(deployment)).rejects.toThrow(/containerPort/);
    const scaled = structuredClone(byKind(overlays.keda as Manifest[], 'ScaledObject')[0] as Manifest);
    delete scaled.spec.scaleTargetRef;
    await expect(validate(scaled)).rejects.toThrow(/scaleTargetRef/);
  });

  it('runs a Deployment per role, probed on /healthz and /readyz, with requests, as a non-root user', () => {
    const deployments = byKind(overlays.base as Manifest[], 'Deployment');
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(ROLES.map((r) => `polder-${r}`).sort());
    for (const d of deployments) {
      const pod = d.spec.template.spec;
      const [c] = pod.containers;
      const role = d.metadata.name.replace('polder-', '');
      expect(c.args).toEqual([role]);
      expect(pod.initContainers[0].args).toEqual(['migrate']);
      expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
      expect(c.startupProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
      expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
      expect(c.ports).toEqual([{ name: 'http', containerPort: 8080 }]);
      expect(c.resources.requests.cpu).toBeDefined();
      expect(c.resources.requests.memory).toBeDefined();
      expect(c.resources.limits.memory).toBeDefined();
      expect(pod.securityContext.runAsNonRoot).toBe(true);
      expect(c.securityContext.allowPrivilegeEscalation).toBe(false);
      // Settings from the ConfigMap, secrets from a file of the Secret named by POLDER_CONFIG.
      expect(c.envFrom).toEqual([{ configMapRef: { name: 'polder-env' } }]);
      const mount = c.volumeMounts.find((v: { name: string }) => v.name === 'secrets');
      const volume = pod.volumes.find((v: { name: string }) => v.name === 'secrets');
      const config = byKind(overlays.base as Manifest[], 'ConfigMap')[0]?.data;
      expect(config.POLDER_CONFIG).toBe(`${mount.mountPath}/${volume.secret.items[0].path}`);
      expect(JSON.stringify(c.env ?? [])).not.toMatch(/PASSWORD|TOKEN|:\/\/[^@]+@/);
      expect(config.POLDER_HTTP_PORT).toBe('8080');
    }
  });

  it('keeps a pod of the API, the ingest and the workers through a drain; Services select pods that exist', () => {
    const docs = overlays.base as Manifest[];
    const podLabels = byKind(docs, 'Deployment').map((d) => d.spec.template.metadata.labels as Record<string, string>);
    const selects = (selector: Record<string, string>) =>
      podLabels.some((l) => Object.entries(selector).every(([k, v]) => l[k] === v));
    const pdbs = byKind(docs, 'PodDisruptionBudget');
    expect(pdbs.map((p) => p.metadata.name).sort()).toEqual(['polder-api', 'polder-ingest', 'polder-worker']);
    for (const p of pdbs) expect(selects(p.spec.selector.matchLabels), p.metadata.name).toBe(true);
    for (const s of byKind(docs, 'Service')) expect(selects(s.spec.selector), s.metadata.name).toBe(true);
    for (const d of byKind(docs, 'Deployment'))
      expect(d.spec.replicas, d.metadata.name).toBeGreaterThanOrEqual(d.metadata.name === 'polder-scheduler' ? 1 : 2);
  });

  it('keda: scales the workers on the RabbitMQ inbox queue Polder uses', () => {
    const docs = overlays.keda as Manifest[];
    const [scaled] = byKind(docs, 'ScaledObject');
    expect(scaled?.spec.scaleTargetRef.name).toBe('polder-worker');
    expect(byKind(docs, 'Deployment').map((d) => d.metadata.name)).toContain('polder-worker');
    const [trigger] = scaled?.spec.triggers ?? [];
    expect(trigger.type).toBe('rabbitmq');
    expect(trigger.metadata.queueName).toBe(loadConfig({}).amqpQueue);
    expect(trigger.metadata.mode).toBe('QueueLength');
    const [auth] = byKind(docs, 'TriggerAuthentication');
    expect(trigger.authenticationRef.name).toBe(auth?.metadata.name);
    expect(auth?.spec.secretTargetRef).toEqual([{ parameter: 'host', name: 'polder-secrets', key: 'amqp-url' }]);
    expect(byKind(docs, 'HorizontalPodAutoscaler')).toEqual([]);
  });

  it('hpa: scales the workers on CPU instead', () => {
    const docs = overlays.hpa as Manifest[];
    const [hpa] = byKind(docs, 'HorizontalPodAutoscaler');
    expect(hpa?.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'polder-worker' });
    expect(hpa?.spec.metrics[0].resource.name).toBe('cpu');
    expect(hpa?.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(byKind(docs, 'ScaledObject')).toEqual([]);
  });
});
