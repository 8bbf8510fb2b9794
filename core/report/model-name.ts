/**
 * The short name of a model id for titles and table cells. Servers that
 * load a model file name it by its path (llama.cpp: `/models/x.gguf`): the
 * short name is the file's base name. Any other id (`org/model` included,
 * whose organisation is part of the name) is shown as it is.
 */
export function shortModelName(id: string): string {
  const path = id.startsWith('/') || id.startsWith('./') || id.startsWith('../') || id.startsWith('~/') || /^[A-Za-z]:[\\/]/.test(id) || id.includes('\\');
  if (!path) return id;
  const base =
    id
      .replace(/[\\/]+$/, '')
      .split(/[\\/]/)
      .pop() ?? '';
  return base === '' ? id : base;
}
