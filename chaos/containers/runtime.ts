import { getContainerRuntimeClient, type ContainerRuntimeClient } from 'testcontainers';

/** Set to 1 (as CI does), a run without a container runtime fails instead of falling back to processes. */
export const REQUIRE_CONTAINERS_VARIABLE = 'CHAOS_REQUIRE_CONTAINERS';

/** testcontainers' Ryuk needs an image from a registry: the lab removes its containers itself. */
function disableRyuk(): void {
  process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
}

/** The container runtime testcontainers finds, or why there is none. */
export async function findContainerRuntime(): Promise<{ readonly client: ContainerRuntimeClient } | { readonly problem: string }> {
  disableRyuk();
  try {
    return { client: await getContainerRuntimeClient() };
  } catch (error) {
    return { problem: error instanceof Error ? error.message : String(error) };
  }
}

export function containersRequired(): boolean {
  return process.env[REQUIRE_CONTAINERS_VARIABLE] === '1';
}
