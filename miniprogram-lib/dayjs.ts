/** dayjs for the mini program (dates in the UI), bundled by `npm run build` into `miniprogram/lib/dayjs.js`. */
export { default as dayjs } from 'dayjs';
