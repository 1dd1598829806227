/* Absolute waits on CLOCK_MONOTONIC under libfaketime.
 *
 * libfaketime 0.9.10 shifts clock_gettime(CLOCK_MONOTONIC) but passes the deadline of
 * sem_clockwait and pthread_cond_clockwait through unchanged, so Python's Lock.acquire(timeout)
 * (and threading.Event.wait, queue.get ...) waits a year instead of 50 ms. Preloaded before
 * libfaketime, this turns the faked deadline into the real one: the remaining time is measured
 * on the faked clock, then added to the real clock read straight from the kernel.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <semaphore.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static struct timespec real_deadline(clockid_t clock, const struct timespec *faked) {
    struct timespec fake_now, real_now, out;
    clock_gettime(clock, &fake_now);                 /* libfaketime's view */
    syscall(SYS_clock_gettime, clock, &real_now);    /* the kernel's */
    long long left = (faked->tv_sec - fake_now.tv_sec) * 1000000000LL
                     + (faked->tv_nsec - fake_now.tv_nsec);
    if (left < 0) left = 0;
    long long at = real_now.tv_sec * 1000000000LL + real_now.tv_nsec + left;
    out.tv_sec = at / 1000000000LL;
    out.tv_nsec = at % 1000000000LL;
    return out;
}

int sem_clockwait(sem_t *sem, clockid_t clock, const struct timespec *abstime) {
    static int (*real)(sem_t *, clockid_t, const struct timespec *);
    if (!real) real = dlsym(RTLD_NEXT, "sem_clockwait");
    struct timespec at = real_deadline(clock, abstime);
    return real(sem, clock, &at);
}

int pthread_cond_clockwait(pthread_cond_t *cond, pthread_mutex_t *mutex, clockid_t clock,
                           const struct timespec *abstime) {
    static int (*real)(pthread_cond_t *, pthread_mutex_t *, clockid_t, const struct timespec *);
    if (!real) real = dlsym(RTLD_NEXT, "pthread_cond_clockwait");
    struct timespec at = real_deadline(clock, abstime);
    return real(cond, mutex, clock, &at);
}
