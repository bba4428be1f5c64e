export { type ContextTally, type ContextTarOptions, contextTar } from "./build-context.js";
export type { ImagesDeps } from "./deps.js";
export { type DockerfileImage, type DockerfileImages, dockerfileImages } from "./dockerfile-images.js";
export { DockerIgnore } from "./dockerignore.js";
export { parseReference } from "./image-reference.js";
export { imagesPlugin } from "./plugin.js";
export {
  type CredentialLookup,
  credentialSecrets,
  DOCKER_HUB_KEY,
  dockerConfigDir,
  lookupCredential,
  type RegistryCredential,
  registryOf,
  runCredentialHelper,
} from "./registry-auth.js";
export { BUILT_BY_LABEL } from "./tools/build.js";
