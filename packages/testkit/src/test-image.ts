import { BUSYBOX_IMAGE, TEST_LABEL, TEST_RUN_LABEL } from "./constants.js";
import { docker } from "./docker-cli.js";
import { RUN_ID } from "./run-id.js";

/**
 * Builds an image of its own (FROM the busybox test image, with the test labels and `variant` as a
 * label, so its ID differs from every other image) and gives it each of `tags`. Returns its full ID.
 * Call ensureBusyboxImage first; remove it with removeTestImage.
 */
export async function buildTestImage(
  tags: readonly string[],
  variant: string,
  runId: string = RUN_ID,
): Promise<string> {
  const [first, ...more] = tags;
  if (first === undefined) throw new Error("buildTestImage needs at least one tag");
  const id = await docker(
    [
      "build",
      "--quiet",
      "--tag",
      first,
      "--label",
      `${TEST_LABEL}=1`,
      "--label",
      `${TEST_RUN_LABEL}=${runId}`,
      "--label",
      `${TEST_LABEL}.variant=${variant}`,
      "-",
    ],
    { input: `FROM ${BUSYBOX_IMAGE}\n`, timeoutMs: 120_000 },
  );
  for (const tag of more) await docker(["tag", id, tag]);
  return id.trim();
}

/** Removes the tags buildTestImage gave (the image goes with its last tag); absent tags are fine. */
export async function removeTestImage(tags: readonly string[]): Promise<void> {
  for (const tag of tags) await docker(["rmi", tag]).catch(() => {});
}
