/* The types of precompress.mjs (plain JavaScript, run by Node at build time) for vite.config.ts. */
import type { Plugin } from 'vite'

/** Writes X.br and X.gz beside every compressible file under `dir`; returns what it did. */
export function precompressDir(dir: string): { files: number; before: number; after: number }

/** The Vite plugin: runs precompressDir on the build's output directory once it is written. */
export default function precompress(): Plugin
