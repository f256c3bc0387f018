/**
 * The lab's local images, built FROM scratch out of this host's binaries: no registry is needed.
 * Each holds one program and every library `ldd` lists for it, at the paths the loader looks in.
 */
import { execFile } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { ImageName, type ContainerRuntimeClient } from 'testcontainers';

const run = promisify(execFile);

export const LOCAL_REDIS_IMAGE = 'nadb-chaos-redis:local';
export const LOCAL_FAULT_PROXY_IMAGE = 'nadb-chaos-fault-proxy:local';
const FAULT_PROXY_ENTRY = 'chaos/fault-proxy/main.ts';
/** Where the bundled fault proxy sits inside its image. */
const FAULT_PROXY_SCRIPT = '/app/fault-proxy.mjs';
/** The API port inside the container, toxiproxy's. */
export const FAULT_PROXY_API_PORT = 8474;

interface Recipe {
  readonly image: string;
  /** Host programs, each copied to the path given, with their libraries at their own paths. */
  readonly programs: readonly { readonly source: string; readonly target: string }[];
  /** Empty directories the program needs (Redis' working directory). */
  readonly directories: readonly string[];
  readonly dockerfileTail: readonly string[];
  /** Puts more files into the image's root (the bundled script). */
  readonly addFiles?: (root: string) => Promise<void>;
}

/** The shared libraries `ldd` lists for `program`, by the paths the loader opens. */
async function librariesOf(program: string): Promise<string[]> {
  const { stdout } = await run('ldd', [program]);
  return stdout.split('\n').flatMap((line) => {
    const match = /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(line);
    return match?.[1] === undefined ? [] : [match[1]];
  });
}

/** Copies the file `source` points to (Debian links redis-server to redis-check-rdb) to `target` under `root`. */
async function copyInto(root: string, source: string, target: string): Promise<void> {
  const destination = join(root, target);
  await mkdir(dirname(destination), { recursive: true });
  await copyFile(await realpath(source), destination);
  await chmod(destination, 0o755);
}

/**
 * Through testcontainers' client, so the daemon is the one the containers run on; its API build
 * is the classic builder (no BuildKit, which this daemon setup lacks). It reports no build error,
 * so the image's presence afterwards is the verdict.
 */
async function buildImage(client: ContainerRuntimeClient, recipe: Recipe): Promise<void> {
  const context = await mkdtemp(join(tmpdir(), 'nadb-image-'));
  try {
    const root = join(context, 'rootfs');
    for (const { source, target } of recipe.programs) {
      await copyInto(root, source, target);
      for (const library of await librariesOf(await realpath(source))) await copyInto(root, library, library);
    }
    for (const directory of recipe.directories) await mkdir(join(root, directory), { recursive: true });
    await recipe.addFiles?.(root);
    await writeFile(join(context, 'Dockerfile'), ['FROM scratch', 'COPY rootfs/ /', 'ENV PATH=/usr/local/bin:/usr/bin:/bin', ...recipe.dockerfileTail, ''].join('\n'));
    await client.image.build(context, { t: recipe.image, dockerfile: 'Dockerfile' });
    if (!(await client.image.exists(ImageName.fromString(recipe.image)))) throw new Error(`building ${recipe.image} failed (DEBUG=testcontainers:build shows the daemon's output)`);
  } finally {
    await rm(context, { recursive: true, force: true });
  }
}

/** redis-server under its own name (Redis picks its mode from argv[0]); `redis-server ARGS` as the command, as in the official image. */
function redisRecipe(): Recipe {
  return {
    image: LOCAL_REDIS_IMAGE,
    programs: [{ source: '/usr/bin/redis-server', target: '/usr/bin/redis-server' }],
    directories: ['/data', '/tmp'],
    dockerfileTail: ['WORKDIR /data', 'CMD ["redis-server", "--protected-mode", "no"]'],
  };
}

/** The host's node and the stand-in proxy bundled into one file. */
async function faultProxyRecipe(): Promise<Recipe> {
  const node = await realpath(process.execPath);
  return {
    image: LOCAL_FAULT_PROXY_IMAGE,
    programs: [{ source: node, target: node }],
    directories: ['/tmp'],
    dockerfileTail: [`ENTRYPOINT ["${node}", "${FAULT_PROXY_SCRIPT}"]`, `CMD ["0.0.0.0:${FAULT_PROXY_API_PORT}"]`],
    addFiles: async (root) => {
      await build({ entryPoints: [FAULT_PROXY_ENTRY], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: join(root, FAULT_PROXY_SCRIPT), logLevel: 'warning' });
    },
  };
}

/** Builds both images; `onlyMissing` skips those already there (what `npm run chaos` does). */
export async function buildLocalImages(client: ContainerRuntimeClient, onlyMissing: boolean, log: (line: string) => void): Promise<void> {
  for (const recipe of [redisRecipe(), await faultProxyRecipe()]) {
    if (onlyMissing && (await client.image.exists(ImageName.fromString(recipe.image)))) continue;
    const startedMs = Date.now();
    await buildImage(client, recipe);
    log(`built ${recipe.image} from host binaries in ${Date.now() - startedMs} ms`);
  }
}
