import { defineVocabulary } from "./vocabulary.js";

/** The Docker preset: the default vocabulary of `loadPolicy`. */
export const dockerVocabulary = defineVocabulary({
  name: "docker",
  title: "docker-mcp policy",
  levels: [
    {
      name: "read",
      default: true,
      description: "List and inspect containers, images, volumes and networks; read logs and stats.",
    },
    {
      name: "lifecycle",
      default: false,
      description: "Start, stop, restart, pause, unpause and kill existing containers.",
    },
    {
      name: "exec",
      default: false,
      description: "Run commands inside containers (checked against exec_safety).",
    },
    {
      name: "create",
      default: false,
      description: "Create and remove containers (checked against create_safety).",
    },
    {
      name: "images",
      default: false,
      description: "Pull, build, remove and prune images (builds checked against build_safety).",
    },
    { name: "volumes", default: false, description: "Create and remove volumes." },
    {
      name: "networks",
      default: false,
      description: "Create and remove networks, connect and disconnect containers.",
    },
    {
      name: "system",
      default: false,
      description: "System-wide operations such as prune and compose up/down.",
    },
  ],
  resourceKinds: [
    {
      name: "container",
      plural: "containers",
      description: "Container names, with or without Docker's leading '/'.",
      nameForm: "slash-prefixed",
      imageKind: "image",
    },
    {
      name: "image",
      plural: "images",
      description: "Image references such as 'nginx:*' or 'myorg/*'; short and long forms match alike.",
      nameForm: "image-reference",
    },
    { name: "volume", plural: "volumes", description: "Volume names." },
    { name: "network", plural: "networks", description: "Network names." },
    { name: "compose_project", plural: "compose_projects", description: "Compose project names." },
  ],
  sections: { execSafety: true, createSafety: true, buildSafety: true, composeSafety: true },
});
