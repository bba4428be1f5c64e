/** Every container and image the tests create carries this label, so cleanup can find them. */
export const TEST_LABEL = "dev.arktechnwa.docker-mcp.test";
/** Label holding the run id of the test file that created a fixture (see `newRunId`). */
export const TEST_RUN_LABEL = "dev.arktechnwa.docker-mcp.test.run";
/** FROM-scratch image holding only a static busybox; built locally, never pulled. */
export const BUSYBOX_IMAGE = "docker-mcp-test/busybox:latest";
