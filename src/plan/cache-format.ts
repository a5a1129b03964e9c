/**
 * Changes when cached analyses or plans change shape without a new tool version (development
 * builds share one version): part of every cache key, the file stamps' included. Its own module,
 * so the stamp check does not load the analyser.
 */
export const cacheFormat = 10;
