// The Dockerfiles under deploy/docker build what the manifests run: no Docker
// engine runs here, so these checks read them as a reviewer would.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './repo-root';

interface Instruction {
  keyword: string;
  args: string;
}

function parseDockerfile(file: string): Instruction[] {
  const text = fs.readFileSync(file, 'utf8').replace(/\\\n/g, ' ');
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const match = /^([A-Za-z]+)\s+(.*)$/.exec(line);
      assert.ok(match, `${path.basename(file)}: cannot read line "${line}"`);
      return { keyword: match[1].toUpperCase(), args: match[2] };
    });
}

/** Instructions of the final stage only. */
function finalStage(instructions: Instruction[]): Instruction[] {
  const last = instructions.map((i) => i.keyword).lastIndexOf('FROM');
  return instructions.slice(last);
}

describe('deploy/docker', function () {
  const root = repoRoot();
  const dockerDir = path.join(root, 'deploy', 'docker');

  for (const image of ['hub', 'agent', 'toolchain']) {
    it(`${image}.Dockerfile runs as a non-root user and copies only files that exist`, function () {
      const instructions = parseDockerfile(path.join(dockerDir, `${image}.Dockerfile`));
      const final = finalStage(instructions);
      const user = final.filter((i) => i.keyword === 'USER').pop();
      assert.ok(user, 'no USER in the final stage');
      assert.doesNotMatch(user.args, /^(root|0)(:|$)/);
      for (const copy of instructions.filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--from'))) {
        const sources = copy.args.split(/\s+/).slice(0, -1);
        for (const source of sources) {
          assert.ok(fs.existsSync(path.join(root, source)), `${image}.Dockerfile copies ${source}, which does not exist`);
        }
      }
      assert.ok(fs.existsSync(path.join(dockerDir, `${image}.Dockerfile.dockerignore`)));
    });
  }

  it('the hub image starts `classpod-hub serve`', function () {
    const final = finalStage(parseDockerfile(path.join(dockerDir, 'hub.Dockerfile')));
    assert.equal(final.find((i) => i.keyword === 'ENTRYPOINT')?.args, '["classpod-hub"]');
    assert.equal(final.find((i) => i.keyword === 'CMD')?.args, '["serve"]');
  });

  it('the agent image keeps Node and the agent under /opt/classpod for the init container to copy', function () {
    const final = finalStage(parseDockerfile(path.join(dockerDir, 'agent.Dockerfile')));
    assert.equal(final.find((i) => i.keyword === 'ENTRYPOINT')?.args, '["/opt/classpod/bin/classpod-agent"]');
    assert.ok(final.some((i) => i.keyword === 'COPY' && i.args === '--from=build /opt/classpod /opt/classpod'));
  });

  it('the toolchain image has compilers for C, C++, Python and Java', function () {
    const run = parseDockerfile(path.join(dockerDir, 'toolchain.Dockerfile'))
      .filter((i) => i.keyword === 'RUN')
      .map((i) => i.args)
      .join(' ');
    for (const pkg of ['build-essential', 'python3', 'openjdk-17-jdk-headless']) {
      assert.match(run, new RegExp(`\\b${pkg}\\b`), `${pkg} is not installed`);
    }
  });
});
