// The @kubernetes/client-node clients the provider talks through, made once
// on first use (the library is an ES module, so the CommonJS hub loads it
// with import()).
import type * as k8s from '@kubernetes/client-node' with { 'resolution-mode': 'import' };

type K8sModule = typeof k8s;

/** The library and the API clients made from one KubeConfig. */
export interface KubeClients {
  mod: K8sModule;
  kc: k8s.KubeConfig;
  core: k8s.CoreV1Api;
  networking: k8s.NetworkingV1Api;
  /** Request options that send a JSON merge patch. */
  mergePatch: ReturnType<K8sModule['setHeaderOptions']>;
}

/** Gives the same clients to every caller; without a `kubeConfig`, the in-cluster service account or ~/.kube/config. */
export function kubeClients(kubeConfig?: k8s.KubeConfig): () => Promise<KubeClients> {
  let clients: Promise<KubeClients> | undefined;
  return () => {
    clients ??= (async () => {
      const mod = await import('@kubernetes/client-node');
      let kc = kubeConfig;
      if (!kc) {
        kc = new mod.KubeConfig();
        kc.loadFromDefault();
      }
      return {
        mod,
        kc,
        core: kc.makeApiClient(mod.CoreV1Api),
        networking: kc.makeApiClient(mod.NetworkingV1Api),
        mergePatch: mod.setHeaderOptions('Content-Type', mod.PatchStrategy.MergePatch),
      };
    })();
    return clients;
  };
}
