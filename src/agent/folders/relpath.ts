// The folder layer's relative paths; the encoding lives in core because the tree-source
// port speaks it (src/platform adapters produce it, the layer consumes it).
export * from '../../core/relpath.js';
