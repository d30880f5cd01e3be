/* SPDX-License-Identifier: MIT */
/*
 * Every receiver's table, as its code states it (src/monitor/monitor_msgs.h,
 * src/listener/listener_msgs.h, src/client/client_msgs.h,
 * src/spawner/spawner_msgs.h), without the handlers: for printing them
 * (protodump) and for fuzzing msg_dispatch().
 */
#ifndef DIVE_TEST_MSGTABLES_H
#define DIVE_TEST_MSGTABLES_H

#include "client_msgs.h"
#include "listener_msgs.h"
#include "monitor_msgs.h"
#include "spawner_msgs.h"

static const struct msg_entry t_listener_client[] = {
	LISTENER_FROM_CLIENT(MSG_NO_HANDLER) };
static const struct msg_entry t_client_greeting[] = {
	CLIENT_GREETING(MSG_NO_HANDLER) };
static const struct msg_entry t_client_answers[] = {
	CLIENT_ANSWERS(MSG_NO_HANDLER) };
static const struct msg_entry t_monitor_listener[] = {
	MON_FROM_LISTENER(MSG_NO_HANDLER) };
static const struct msg_entry t_listener_monitor[] = {
	LISTENER_FROM_MONITOR(MSG_NO_HANDLER) };
static const struct msg_entry t_listener_spawner[] = {
	LISTENER_FROM_SPAWNER(MSG_NO_HANDLER) };
static const struct msg_entry t_master_monitor[] = {
	MASTER_FROM_MONITOR(MSG_NO_HANDLER) };
static const struct msg_entry t_monitor_master[] = {
	MON_FROM_LM(MSG_NO_HANDLER) };
static const struct msg_entry t_monitor_spawner[] = {
	MON_FROM_SPAWNER(MSG_NO_HANDLER) };
static const struct msg_entry t_spawner_listener[] = {
	SPAWNER_FROM_LISTENER(MSG_NO_HANDLER) };

#define T_N(a)	(sizeof(a) / sizeof((a)[0]))

/* The channels, in the order of dive-protocol(7), CHANNELS. */
static const struct msg_table msg_tables[] = {
	{ "client", "listener", t_listener_client, T_N(t_listener_client) },
	{ "server", "dive", t_client_greeting, T_N(t_client_greeting) },
	{ "server", "dive", t_client_answers, T_N(t_client_answers) },
	{ "listener", "monitor", t_monitor_listener, T_N(t_monitor_listener) },
	{ "monitor", "listener", t_listener_monitor, T_N(t_listener_monitor) },
	{ "spawner", "listener", t_listener_spawner,
	    T_N(t_listener_spawner) },
	{ "monitor", "listener master", t_master_monitor,
	    T_N(t_master_monitor) },
	{ "listener master", "monitor", t_monitor_master,
	    T_N(t_monitor_master) },
	{ "spawner", "monitor", t_monitor_spawner, T_N(t_monitor_spawner) },
	{ "listener", "spawner", t_spawner_listener,
	    T_N(t_spawner_listener) },
};

#endif
