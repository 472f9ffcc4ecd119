#ifndef CMICROHTTPD_SHIM_H
#define CMICROHTTPD_SHIM_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <microhttpd.h>

/// The settings phone-service starts libmicrohttpd with. MHD_start_daemon is variadic, which
/// Swift cannot call, so the options travel in this struct and the shim spells them out.
typedef struct CMicroHTTPD_Settings {
    unsigned int flags;
    int listenFD;
    unsigned int threadPoolSize;
    unsigned int connectionLimit;
    unsigned int perIPConnectionLimit;
    unsigned int connectionTimeoutSeconds;
    size_t connectionMemoryLimit;
} CMicroHTTPD_Settings;

static inline struct MHD_Daemon *CMicroHTTPD_start(
    const CMicroHTTPD_Settings *s,
    MHD_AccessHandlerCallback handler, void *handlerContext,
    MHD_RequestCompletedCallback completed, void *completedContext)
{
    return MHD_start_daemon(
        s->flags, 0, NULL, NULL, handler, handlerContext,
        MHD_OPTION_LISTEN_SOCKET, (MHD_socket)s->listenFD,
        MHD_OPTION_THREAD_POOL_SIZE, s->threadPoolSize,
        MHD_OPTION_CONNECTION_LIMIT, s->connectionLimit,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, s->perIPConnectionLimit,
        MHD_OPTION_CONNECTION_TIMEOUT, s->connectionTimeoutSeconds,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, s->connectionMemoryLimit,
        MHD_OPTION_NOTIFY_COMPLETED, completed, completedContext,
        MHD_OPTION_END);
}

#endif
