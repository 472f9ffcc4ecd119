#ifndef CMICROHTTPD_SHIM_H
#define CMICROHTTPD_SHIM_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <microhttpd.h>
#include <malloc.h>

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
    /// TLS, when all three are set (and flags has MHD_USE_TLS): the certificate chain and the
    /// private key in PEM, and a GnuTLS priority string. NULL for plain HTTP.
    const char *tlsCertificate;
    const char *tlsKey;
    const char *tlsPriorities;
} CMicroHTTPD_Settings;

// libmicrohttpd's enum constants do not always import into Swift by name; these do.
static const enum MHD_Result CMicroHTTPD_YES = MHD_YES;
static const enum MHD_Result CMicroHTTPD_NO = MHD_NO;
static const enum MHD_ValueKind CMicroHTTPD_HEADER_KIND = MHD_HEADER_KIND;
static const enum MHD_ValueKind CMicroHTTPD_GET_ARGUMENT_KIND = MHD_GET_ARGUMENT_KIND;
static const enum MHD_ResponseMemoryMode CMicroHTTPD_RESPMEM_MUST_COPY = MHD_RESPMEM_MUST_COPY;

/// An unescape callback that leaves the URL as sent. libmicrohttpd's default decodes %XX in the
/// whole path before routing, which would turn an encoded '/' inside a segment into a separator;
/// phone-service decodes each path segment on its own instead.
static size_t CMicroHTTPD_keepEscaped(void *cls, struct MHD_Connection *c, char *s) {
    (void)cls; (void)c;
    size_t n = 0;
    while (s[n] != '\0') n++;
    return n;
}

/// Whether this libmicrohttpd was built with TLS (GnuTLS).
static inline int CMicroHTTPD_supportsTLS(void) {
    return MHD_is_feature_supported(MHD_FEATURE_TLS) == MHD_YES;
}

static const unsigned int CMicroHTTPD_USE_TLS = MHD_USE_TLS;

static inline struct MHD_Daemon *CMicroHTTPD_start(
    const CMicroHTTPD_Settings *s,
    MHD_AcceptPolicyCallback accept, void *acceptContext,
    MHD_AccessHandlerCallback handler, void *handlerContext,
    MHD_RequestCompletedCallback completed, void *completedContext)
{
    // The TLS options travel in an array, so that a plain daemon gets none of them. libmicrohttpd
    // hands the strings to GnuTLS during MHD_start_daemon, which keeps its own copies.
    struct MHD_OptionItem tls[] = {
        { MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)s->tlsCertificate },
        { MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)s->tlsKey },
        { MHD_OPTION_HTTPS_PRIORITIES, 0, (void *)s->tlsPriorities },
        { MHD_OPTION_END, 0, NULL },
    };
    struct MHD_OptionItem none[] = { { MHD_OPTION_END, 0, NULL } };
    int useTLS = s->tlsCertificate != NULL && s->tlsKey != NULL && s->tlsPriorities != NULL;
    return MHD_start_daemon(
        s->flags, 0, accept, acceptContext, handler, handlerContext,
        MHD_OPTION_LISTEN_SOCKET, (MHD_socket)s->listenFD,
        MHD_OPTION_THREAD_POOL_SIZE, s->threadPoolSize,
        MHD_OPTION_CONNECTION_LIMIT, s->connectionLimit,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, s->perIPConnectionLimit,
        MHD_OPTION_CONNECTION_TIMEOUT, s->connectionTimeoutSeconds,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, s->connectionMemoryLimit,
        MHD_OPTION_NOTIFY_COMPLETED, completed, completedContext,
        MHD_OPTION_UNESCAPE_CALLBACK, CMicroHTTPD_keepEscaped, NULL,
        MHD_OPTION_ARRAY, useTLS ? tls : none,
        MHD_OPTION_END);
}

// glibc's malloc tuning for the server process (see Serve.keepFreedMemory): `mallopt` and its
// M_* parameters come from <malloc.h>, which Swift's Glibc module does not import.
static inline void CMicroHTTPD_keepFreedMemory(int trimThreshold, int mmapThreshold) {
    mallopt(M_TRIM_THRESHOLD, trimThreshold);
    mallopt(M_MMAP_THRESHOLD, mmapThreshold);
}

#endif
