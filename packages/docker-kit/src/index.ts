export { type ActOnEachOptions, actOnEach, type ItemOutcome, rejectedResults } from "./act-on-each.js";
export { type ContextTally, type ContextTarOptions, contextTar } from "./build-context.js";
export {
  exitCodeFromStatus,
  formatPorts,
  healthFromStatus,
  statusIcon,
  uptimeFromStatus,
} from "./container-status.js";
export type { DockerDeps, RegistryDeps } from "./deps.js";
export {
  type DockerfileImage,
  type DockerfileImages,
  dockerfileImages,
  triggerImages,
} from "./dockerfile-images.js";
export { DockerIgnore } from "./dockerignore.js";
export {
  FOLLOW_FLUSH_MS,
  FOLLOW_MARGIN_MS,
  FOLLOW_PROGRESS_CHARS,
  type FollowedLine,
  type FollowStop,
  type FollowSummary,
  type FollowWindow,
  followStopText,
  followWindow,
  LineFollower,
  type LineFollowerOptions,
} from "./follow.js";
export { FOLLOW_DEFAULT_SECONDS, followAnswerSchema, followLimitInputs } from "./follow-answer.js";
export {
  imageNamesById,
  imageNamesOf,
  isImageId,
  type ListedContainer,
  withImageNames,
} from "./image-names.js";
export { type ParsedReference, parseReference, REFERENCE_HINT } from "./image-reference.js";
export {
  actedOnNothing,
  ICON,
  ITEM_STATUSES,
  type ItemResult,
  type ItemStatus,
  itemResultSchema,
  refList,
  refsSchema,
  renderItems,
  summarizeItems,
} from "./item-result.js";
export { type ContainerJoin, inheritedFacts, mergeCreateFacts } from "./joined-containers.js";
export {
  type BaseTrigger,
  type BuildSpec,
  type JudgedBuild,
  judgeBuild,
  readDockerfile,
  runJudgedBuild,
  tagJudged,
} from "./judged-build.js";
export {
  listVisible,
  listVisibleContainers,
  listVisibleImages,
  listVisibleNetworks,
  listVisibleVolumes,
} from "./list-visible.js";
export {
  type MountedVolumes,
  mountedVolumes,
  type VolumeUse,
  volumeRecordFacts,
  withRealBindsOnLocalDaemon,
} from "./mounted-volumes.js";
export { COMPOSE_PROJECT_LABEL, CREATED_BY_LABEL, displayName, ownNames, shortId } from "./names.js";
export { dockerResources } from "./provider.js";
export { localImage, type PullCheckedOptions, pullChecked, refuseHiddenContent } from "./pull-checked.js";
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
export { authHeader, configHeader } from "./registry-header.js";
export { type ComposeProject, composeProjectResolver } from "./resolve-compose-project.js";
export {
  containerResolver,
  containerResource,
  identityToResource,
  summaryToResource,
} from "./resolve-container.js";
export { imageResolver, imageResource } from "./resolve-image.js";
export { networkResolver, networkResource } from "./resolve-network.js";
export { volumeResolver, volumeResource } from "./resolve-volume.js";
export { dataOf, singleTarget, targetData, theTarget } from "./single-target.js";
