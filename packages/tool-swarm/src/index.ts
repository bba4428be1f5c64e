export { swarmPlugin } from "./plugin.js";
