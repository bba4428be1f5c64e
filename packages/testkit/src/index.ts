export { ensureBusyboxImage } from "./busybox-image.js";
export { BUSYBOX_IMAGE, TEST_LABEL, TEST_RUN_LABEL } from "./constants.js";
export { ensureDaemon } from "./daemon.js";
export type { DockerCliOptions } from "./docker-cli.js";
export { DockerCliError, docker } from "./docker-cli.js";
export type { Fixture, FixtureOptions, HealthcheckSpec } from "./fixtures.js";
export { fixtureName, listFixtures, removeFixtures, runFixture } from "./fixtures.js";
export { newRunId, RUN_ID } from "./run-id.js";
export { waitFor } from "./wait-for.js";
