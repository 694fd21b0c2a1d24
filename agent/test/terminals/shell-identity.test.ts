// A terminal calls the person by the student's id, never by the image's account.

import { strict as assert } from 'node:assert';
import { shellIdentityEnv, shellUserName } from '../../src/terminals/shell-identity';

describe('the name a workspace terminal uses', () => {
  it("is the student's id, or \"student\" when the workspace names none", () => {
    assert.equal(shellUserName('ada'), 'ada');
    assert.equal(shellUserName(undefined), 'student');
    assert.equal(shellUserName(''), 'student');
  });
  it('keeps only characters safe in a prompt and a shell variable', () => {
    assert.equal(shellUserName("ada'; rm -rf ~ #"), 'adarm-rf');
    assert.equal(shellUserName('$(id)'), 'id');
    assert.equal(shellUserName('x'.repeat(100)).length, 32);
  });
  it('sets USER, LOGNAME and the prompt', () => {
    assert.deepEqual(shellIdentityEnv('ada'), { USER: 'ada', LOGNAME: 'ada', PROMPT_COMMAND: "PS1='ada@classpod:\\w\\$ '" });
  });
});
