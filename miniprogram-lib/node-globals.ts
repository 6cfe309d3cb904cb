/**
 * Node globals that mqtt.js and its stream library expect, injected by esbuild into the mini
 * program bundles wherever they are used (the mini program has neither `process` nor `Buffer`).
 */
export { Buffer } from 'buffer';
export { default as process } from 'process/browser.js';
