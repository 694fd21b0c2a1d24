// The provider's environment settings are checked at start-up with messages
// that name the variable.
import * as assert from 'node:assert/strict';
import { kubernetesOptionsFromEnv } from '../../../src/workspaces/kubernetes';

describe('Kubernetes provider options from the environment', function () {
  it('has working defaults', function () {
    const options = kubernetesOptionsFromEnv({});
    assert.equal(options.hubNamespace, 'classpod');
    assert.equal(options.agentImage, 'classpod/agent:0.1.0');
    assert.equal(options.idleTimeoutMs, undefined);
  });

  it('takes a timeout in seconds or as a duration people write', function () {
    assert.equal(kubernetesOptionsFromEnv({ CLASSPOD_K8S_IDLE_TIMEOUT_SECONDS: '600' }).idleTimeoutMs, 600_000);
    assert.equal(kubernetesOptionsFromEnv({ CLASSPOD_K8S_IDLE_TIMEOUT_SECONDS: '1h30m' }).idleTimeoutMs, 5_400_000);
    assert.equal(kubernetesOptionsFromEnv({ CLASSPOD_K8S_READY_TIMEOUT_SECONDS: '5m' }).readyTimeoutMs, 300_000);
  });

  it('refuses a timeout that is not a positive number of seconds or a duration', function () {
    assert.throws(() => kubernetesOptionsFromEnv({ CLASSPOD_K8S_IDLE_TIMEOUT_SECONDS: '0' }), /CLASSPOD_K8S_IDLE_TIMEOUT_SECONDS="0" is not a positive number of seconds/);
    assert.throws(() => kubernetesOptionsFromEnv({ CLASSPOD_K8S_IDLE_TIMEOUT_SECONDS: '10 minutes' }), /CLASSPOD_K8S_IDLE_TIMEOUT_SECONDS="10 minutes" is not a positive number of seconds or a duration like 10m/);
    assert.throws(() => kubernetesOptionsFromEnv({ CLASSPOD_K8S_IDLE_TIMEOUT_SECONDS: 'soon' }), /CLASSPOD_K8S_IDLE_TIMEOUT_SECONDS="soon" is not a positive number of seconds/);
    assert.throws(() => kubernetesOptionsFromEnv({ CLASSPOD_K8S_READY_TIMEOUT_SECONDS: '-5' }), /CLASSPOD_K8S_READY_TIMEOUT_SECONDS/);
  });

  it('refuses a resource setting that is not a Kubernetes quantity', function () {
    assert.throws(() => kubernetesOptionsFromEnv({ CLASSPOD_K8S_WORKSPACE_MEMORY_LIMIT: '2 GB' }), /memoryLimit "2 GB" is not a Kubernetes quantity/);
    assert.equal(kubernetesOptionsFromEnv({ CLASSPOD_K8S_WORKSPACE_MEMORY_LIMIT: '1.5Gi' }).defaults?.memoryLimit, '1.5Gi');
  });
});
