// Public surface of the Kubernetes workspace provider.
export { KubernetesWorkspaceProvider } from './kubernetes-provider';
export { KubernetesProviderError, type KubernetesProviderErrorCode } from './errors';
export {
  DEFAULT_COURSE_SETTINGS,
  kubernetesOptionsFromEnv,
  type CourseWorkspaceSettings,
  type KubernetesProviderOptions,
  type PackageMirror,
  type ProviderLogger,
} from './options';
export { courseNamespace, workspaceNames } from './labels';
export {
  agentTokenSecretManifest,
  courseNamespaceManifest,
  courseNetworkPolicies,
  toWire,
  workspaceClaimManifest,
  workspacePodManifest,
  workspaceServiceManifest,
} from './manifests';
