import type { DockerDeps } from "@arktechnwa/docker-kit";
import { KERNEL_API_VERSION, type Plugin } from "@arktechnwa/docker-mcp-core";
import { nodesHandler, nodesTool } from "./tools/nodes.js";
import { serviceLogsHandler, serviceLogsTool } from "./tools/service-logs.js";
import { servicesHandler, servicesTool } from "./tools/services.js";
import { tasksHandler, tasksTool } from "./tools/tasks.js";

/** Swarm, read only: services, their tasks and logs, and the nodes, from a manager node. */
export const swarmPlugin: Plugin<DockerDeps> = {
  manifest: {
    name: "swarm",
    apiVersion: KERNEL_API_VERSION,
    tools: [servicesTool, tasksTool, nodesTool, serviceLogsTool],
  },
  handlers: {
    docker_services: servicesHandler,
    docker_service_tasks: tasksHandler,
    docker_nodes: nodesHandler,
    docker_service_logs: serviceLogsHandler,
  },
};
