// Staff see their own sections' students first (a teaching assistant may teach
// several): the assignment's students and the course's workspaces, each group
// in name order, the filter still applied.

import * as assert from 'node:assert/strict';
import type { CourseMember, WorkspaceInfo } from '@classpod/protocol';
import { filterStudents, filterWorkspaces, NO_FILTER, ownSections } from '../../../src/professor/class-filter';

const member = (personId: string, name: string, section?: string): CourseMember => ({ personId, name, role: 'student', ...(section ? { section } : {}) });
const members = [member('zed', 'Zed', 'a'), member('amy', 'Amy', 'b'), member('bo', 'Bo', 'a'), member('cy', 'Cy')];
const workspace = (studentId: string, studentName: string): WorkspaceInfo => ({ courseId: 'cs101', studentId, studentName, state: 'running' }) as WorkspaceInfo;

describe('section order', () => {
  it("puts the viewer's section first, then everybody by name", () => {
    assert.deepEqual(filterStudents(NO_FILTER, members, new Map(), ['a']).map((s) => s.id), ['bo', 'zed', 'amy', 'cy']);
    assert.deepEqual(filterStudents(NO_FILTER, members, new Map(), ['b']).map((s) => s.id), ['amy', 'bo', 'cy', 'zed']);
  });

  it('puts the students of every section a teaching assistant teaches first', () => {
    const more = [...members, member('al', 'Al', 'c'), member('di', 'Di', 'b')];
    assert.deepEqual(filterStudents(NO_FILTER, more, new Map(), ['a', 'c']).map((s) => s.id), ['al', 'bo', 'zed', 'amy', 'cy', 'di']);
  });

  it("reads the viewer's sections from courses/list (sections, or an older hub's section)", () => {
    assert.deepEqual(ownSections({ section: 'a', sections: ['a', 'c'] }), ['a', 'c']);
    assert.deepEqual(ownSections({ section: 'a' }), ['a']);
    assert.deepEqual(ownSections({}), []);
    assert.deepEqual(ownSections(undefined), []);
  });

  it('keeps plain name order for a viewer without a section', () => {
    assert.deepEqual(filterStudents(NO_FILTER, members, new Map()).map((s) => s.id), ['amy', 'bo', 'cy', 'zed']);
  });

  it('still applies the filter', () => {
    assert.deepEqual(filterStudents({ text: 'z', states: [] }, members, new Map(), ['b']).map((s) => s.id), ['zed']);
  });

  it('orders workspaces the same way', () => {
    const sections = new Map(members.map((m) => [m.personId, m.section]));
    const list = members.map((m) => workspace(m.personId, m.name));
    assert.deepEqual(filterWorkspaces(NO_FILTER, list, { mySections: ['a'], sectionOf: (id) => sections.get(id) }).map((w) => w.studentId), ['bo', 'zed', 'amy', 'cy']);
    assert.deepEqual(filterWorkspaces(NO_FILTER, list).map((w) => w.studentId), ['amy', 'bo', 'cy', 'zed']);
  });
});
