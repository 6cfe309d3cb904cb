// Worker threads start without the TypeScript loader of the parent (tsx, or jest's transform),
// so this plain-JavaScript entry registers tsx's CommonJS hook and then loads the checkpointer.
require('tsx/cjs/api').register();
require('./worker.ts');
