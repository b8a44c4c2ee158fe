#!/usr/bin/env node
// Kept tiny: everything heavy is imported by the command that needs it.
import { runMain } from "../dist/main.js";

await runMain();
