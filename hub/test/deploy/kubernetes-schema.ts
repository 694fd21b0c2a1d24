// Validates Kubernetes objects against the API's OpenAPI schemas (the
// kubernetes-models package), for deploy/ and for what the provider creates;
// the Prometheus operator's kinds (PrometheusRule) against the operator's
// CRD schemas (@kubernetes-models/prometheus-operator).

/** A Kubernetes object as parsed from YAML or JSON. */
export interface KubernetesObjectLike {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  [field: string]: unknown;
}

type ModelClass = new (data: unknown) => { validate(): void };

/**
 * Validate one object; throws an Error naming the object and the first schema
 * violations. Objects of a kind kubernetes-models does not know are refused.
 */
export function validateKubernetesObject(obj: KubernetesObjectLike): void {
  const { apiVersion, kind } = obj;
  const label = `${kind ?? '?'} ${obj.metadata?.namespace ? obj.metadata.namespace + '/' : ''}${obj.metadata?.name ?? '?'}`;
  if (!apiVersion || !kind) throw new Error(`${label}: apiVersion and kind are required`);
  if (!/^[a-z0-9.]+(\/v[0-9a-z]+)?$/.test(apiVersion) || !/^[A-Za-z]+$/.test(kind)) {
    throw new Error(`${label}: unexpected apiVersion ${apiVersion}`);
  }
  let model: ModelClass | undefined;
  try {
    const models = apiVersion.startsWith('monitoring.coreos.com/') ? '@kubernetes-models/prometheus-operator' : 'kubernetes-models';
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(`${models}/${apiVersion}/${kind}`) as Record<string, ModelClass>;
    model = mod[kind];
  } catch {
    model = undefined;
  }
  if (!model) throw new Error(`${label}: no schema for ${apiVersion} ${kind}`);
  try {
    new model(obj).validate();
  } catch (err) {
    const details = (err as { errors?: Array<{ instancePath?: string; message?: string }> }).errors;
    const text = details?.map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`).join('; ') ?? String(err);
    throw new Error(`${label} is invalid: ${text}`);
  }
}
