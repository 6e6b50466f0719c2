/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lf_trace.h - tracepoints of lf_core (events/liteflow/ in tracefs).
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM liteflow

#if !defined(_LF_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _LF_TRACE_H

#include <linux/tracepoint.h>

/**
 * lf_query - one lf_query_model()
 * @model: model id
 * @flow: flow key
 * @version: version of the snapshot that served it (0: none)
 * @gen: its weight generation
 * @ns: time of the whole query (flow cache + inference)
 * @ret: return code
 */
TRACE_EVENT(lf_query,
	TP_PROTO(u32 model, u64 flow, u32 version, u32 gen, u64 ns, int ret),
	TP_ARGS(model, flow, version, gen, ns, ret),
	TP_STRUCT__entry(
		__field(u32, model)
		__field(u64, flow)
		__field(u32, version)
		__field(u32, gen)
		__field(u64, ns)
		__field(int, ret)
	),
	TP_fast_assign(
		__entry->model = model;
		__entry->flow = flow;
		__entry->version = version;
		__entry->gen = gen;
		__entry->ns = ns;
		__entry->ret = ret;
	),
	TP_printk("model=%u flow=%llu version=%u gen=%u ns=%llu ret=%d",
		  __entry->model, __entry->flow, __entry->version, __entry->gen,
		  __entry->ns, __entry->ret)
);

/**
 * lf_switch - the active snapshot of a model changed
 * @model: model id
 * @from: version active before (0: none)
 * @to: version active now (0: none)
 * @gen: weight generation of the new active snapshot
 */
TRACE_EVENT(lf_switch,
	TP_PROTO(u32 model, u32 from, u32 to, u32 gen),
	TP_ARGS(model, from, to, gen),
	TP_STRUCT__entry(
		__field(u32, model)
		__field(u32, from)
		__field(u32, to)
		__field(u32, gen)
	),
	TP_fast_assign(
		__entry->model = model;
		__entry->from = from;
		__entry->to = to;
		__entry->gen = gen;
	),
	TP_printk("model=%u from=%u to=%u gen=%u", __entry->model,
		  __entry->from, __entry->to, __entry->gen)
);

/**
 * lf_push - new weights in a model's standby snapshot
 * @model: model id
 * @version: the standby snapshot's version
 * @gen: the new weight generation
 * @size: bytes of weights
 */
TRACE_EVENT(lf_push,
	TP_PROTO(u32 model, u32 version, u32 gen, u32 size),
	TP_ARGS(model, version, gen, size),
	TP_STRUCT__entry(
		__field(u32, model)
		__field(u32, version)
		__field(u32, gen)
		__field(u32, size)
	),
	TP_fast_assign(
		__entry->model = model;
		__entry->version = version;
		__entry->gen = gen;
		__entry->size = size;
	),
	TP_printk("model=%u version=%u gen=%u size=%u", __entry->model,
		  __entry->version, __entry->gen, __entry->size)
);

/**
 * lf_collect_drop - a training sample was dropped (both buffers busy)
 * @model: model id
 * @flow: the sample's flow key
 * @drops: the model's drop counter, this one included
 */
TRACE_EVENT(lf_collect_drop,
	TP_PROTO(u32 model, u64 flow, u64 drops),
	TP_ARGS(model, flow, drops),
	TP_STRUCT__entry(
		__field(u32, model)
		__field(u64, flow)
		__field(u64, drops)
	),
	TP_fast_assign(
		__entry->model = model;
		__entry->flow = flow;
		__entry->drops = drops;
	),
	TP_printk("model=%u flow=%llu drops=%llu", __entry->model,
		  __entry->flow, __entry->drops)
);

/**
 * lf_flow_evict - a live flow cache entry was evicted (cache full)
 * @model: model id
 * @flow: the flow key
 * @version: version of the snapshot the flow was pinned to
 */
TRACE_EVENT(lf_flow_evict,
	TP_PROTO(u32 model, u64 flow, u32 version),
	TP_ARGS(model, flow, version),
	TP_STRUCT__entry(
		__field(u32, model)
		__field(u64, flow)
		__field(u32, version)
	),
	TP_fast_assign(
		__entry->model = model;
		__entry->flow = flow;
		__entry->version = version;
	),
	TP_printk("model=%u flow=%llu version=%u", __entry->model,
		  __entry->flow, __entry->version)
);

#endif /* _LF_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE lf_trace
#include <trace/define_trace.h>
