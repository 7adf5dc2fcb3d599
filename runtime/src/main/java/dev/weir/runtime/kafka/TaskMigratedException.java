package dev.weir.runtime.kafka;

/**
 * The group moved this thread's tasks on without it (a fenced producer, a commit refused for an
 * old generation): the tasks are closed without committing and the thread rejoins. Internal to
 * the task manager.
 */
final class TaskMigratedException extends RuntimeException {

    TaskMigratedException(String message, Throwable cause) {
        super(message, cause);
    }
}
