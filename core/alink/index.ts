export * from './topics';
export * from './login';
export * from './codes';
export * from './property-post';
export * from './messages';
export * from './settings';
export * from './link-sdk';
