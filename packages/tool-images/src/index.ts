export type { ImagesDeps } from "./deps.js";
export { imagesPlugin } from "./plugin.js";
export { BUILT_BY_LABEL } from "./tools/build.js";
