/** Package main: the detection engine for programmatic use. The n8n nodes are loaded from `dist/nodes`. */
export * from './nodes/engine';
