export { networksPlugin } from "./networks-plugin.js";
export { systemPlugin } from "./system-plugin.js";
export { volumesPlugin } from "./volumes-plugin.js";
