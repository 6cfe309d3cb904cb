export * from './result';
export * from './vitals';
export * from './history';
export * from './retry';
export * from './clock';
