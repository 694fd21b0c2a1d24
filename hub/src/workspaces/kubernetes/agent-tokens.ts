// The token each workspace's agent accepts from the hub: made once per
// workspace and kept in a Secret of the course namespace (the pod reads it
// from there), so a restarted hub, or a second hub replica, uses the same one.
import { randomBytes } from 'node:crypto';
import { workspaceIdOf, type WorkspaceKey } from '../workspace-provider';
import { KubernetesProviderError, isStatus, toProviderError } from './errors';
import type { KubeClients } from './kube-clients';
import { TOKEN_KEY, workspaceNames } from './labels';
import { agentTokenSecretManifest } from './manifests';

/** The agent tokens of the workspaces, from their Secrets, created when missing. */
export class AgentTokens {
  private readonly tokens = new Map<string, string>();

  constructor(private readonly clients: () => Promise<KubeClients>) {}

  /** The workspace's token: known, read from its Secret, or made and stored in a new Secret. */
  async ensure(key: WorkspaceKey): Promise<string> {
    const id = workspaceIdOf(key);
    const known = this.tokens.get(id);
    if (known) return known;
    const { core } = await this.clients();
    const names = workspaceNames(key);
    const fresh = randomBytes(32).toString('base64url');
    let token = fresh;
    try {
      await core.createNamespacedSecret({ namespace: names.namespace, body: agentTokenSecretManifest(key, fresh) });
    } catch (err) {
      if (!isStatus(err, 409)) throw toProviderError(err, `creating the agent token of workspace ${id}`);
      const secret = await core.readNamespacedSecret({ name: names.secret, namespace: names.namespace }).catch((e: unknown) => {
        throw toProviderError(e, `reading the agent token of workspace ${id}`);
      });
      const data = secret.data?.[TOKEN_KEY];
      if (!data) throw new KubernetesProviderError('FAILED', `secret ${names.namespace}/${names.secret} holds no ${TOKEN_KEY}`);
      token = Buffer.from(data, 'base64').toString('utf8');
    }
    this.tokens.set(id, token);
    return token;
  }

  /** Forget the workspace's token (its Secret went with its namespace): the next `ensure` reads or makes it again. */
  forget(key: WorkspaceKey): void {
    this.tokens.delete(workspaceIdOf(key));
  }
}
