// @classpod/test-support: helpers every package's tests share (and nothing a
// program ships with).
export * from './assignment-folder-fixture';
export * from './hub-program';
export * from './names-under';
export * from './raw-http';
export * from './skips';
export * from './wait-for';
export * from './test-identity-provider';
