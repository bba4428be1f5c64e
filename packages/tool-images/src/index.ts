export { type ContextTally, type ContextTarOptions, contextTar } from "./build-context.js";
export { type DockerfileImage, type DockerfileImages, dockerfileImages } from "./dockerfile-images.js";
export { DockerIgnore } from "./dockerignore.js";
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
