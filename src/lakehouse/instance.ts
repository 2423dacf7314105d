import type { Catalog } from '../datalake/catalog/index.js';
import type { ViewSetDef } from '../views/index.js';
import { invalidInstance } from './errors.js';

/** A validated view instance: 'global', or the process or stream it is scoped to. */
export interface Instance {
  id: string;
  processId?: string;
  streamId?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Checks `instanceId` against the view set and the catalog (22023 with a message that says what to use instead). */
export async function resolveInstance(view: ViewSetDef, instanceId: string, catalog: Catalog): Promise<Instance> {
  if (instanceId === 'global') {
    if (view.global) return { id: 'global' };
    throw invalidInstance(`view set ${view.name} has no global instance`, `use view_instance('${view.name}', '<${view.instanceKind}_id>')`);
  }
  if (view.instanceKind === null) {
    throw invalidInstance(`view set ${view.name} has no view instances`, `query it as a table: SELECT … FROM ${view.name}`);
  }
  const kind = view.instanceKind;
  if (typeof instanceId !== 'string' || !UUID.test(instanceId)) {
    throw invalidInstance(`view_instance('${view.name}', '${String(instanceId)}'): '${String(instanceId)}' is not a ${kind} id (a UUID)`);
  }
  const id = instanceId.toLowerCase();
  return kind === 'process' ? processInstance(view, id, catalog) : streamInstance(view, id, catalog);
}

async function processInstance(view: ViewSetDef, id: string, catalog: Catalog): Promise<Instance> {
  if (await catalog.getProcess(id)) return { id, processId: id };
  if (await catalog.getStream(id)) {
    throw invalidInstance(`view_instance('${view.name}', '${id}'): '${id}' is a stream id, ${view.name} instances are process ids`, 'find the process in the streams view (process_id column)');
  }
  throw invalidInstance(`view_instance('${view.name}', '${id}'): no process '${id}'`, 'see the processes view');
}

async function streamInstance(view: ViewSetDef, id: string, catalog: Catalog): Promise<Instance> {
  const stream = await catalog.getStream(id);
  if (stream) {
    const tag = view.source === 'blocks' ? view.streamTag : undefined;
    if (tag !== undefined && !stream.tags.includes(tag)) {
      throw invalidInstance(`view_instance('${view.name}', '${id}'): stream '${id}' carries [${stream.tags.join(', ')}], not ${tag}`, `pick a stream tagged ${tag} in the streams view`);
    }
    return { id, streamId: id };
  }
  if (await catalog.getProcess(id)) {
    throw invalidInstance(`view_instance('${view.name}', '${id}'): '${id}' is a process id, ${view.name} instances are stream ids`, `find its streams: SELECT stream_id FROM streams WHERE process_id = '${id}'`);
  }
  throw invalidInstance(`view_instance('${view.name}', '${id}'): no stream '${id}'`, 'see the streams view');
}
