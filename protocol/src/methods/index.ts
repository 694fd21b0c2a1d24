// Every area's methods. One file per area; each method a named constant.
// Append one line per area file; keep the others.
export * from './session';
export * from './diagnostics';
export * from './files';
export * from './terminals';
export * from './courses';
export * from './assignments';
export * from './submissions';
export * from './cluster';
export * from './events';
export * from './grading';
export * from './sync';
export * from './tests';
export * from './versions';
export * from './gradebook';
export * from './rosters';
export * from './prewarming';
export * from './invites';
export * from './feedback';
export * from './course-admin';
export * from './regrade-requests';
export * from './help';
export * from './rubrics';
export * from './similarity';
export * from './late-days';
export * from './attempts';
export * from './groups';
