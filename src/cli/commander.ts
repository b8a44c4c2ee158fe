import { createRequire } from "node:module";

/**
 * commander, loaded with require(): importing this CommonJS package from ESM makes Node scan its
 * whole source for export names first, which costs a noticeable part of every start-up.
 */
const commander = createRequire(import.meta.url)("commander") as typeof import("commander");

export const { Command, Option, CommanderError } = commander;
