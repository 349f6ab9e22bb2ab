//! The work the integration has in hand, for its idle endpoint (`GET /drydock/idle`):
//! pipeline jobs queued or running, webhooks being received. drydock moves its clock on
//! only when this is empty (and no held-order retry is due, no stock push is asked for).
//! Jobs are counted where they are queued and where the worker finishes them, so none
//! is missed.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::mpsc::UnboundedSender;

use crate::pipeline::Job;

#[derive(Clone, Debug, Default)]
pub(crate) struct Work(Arc<Counters>);

#[derive(Debug, Default)]
struct Counters {
    /// Jobs queued or running.
    jobs: AtomicUsize,
    /// Webhook requests being received.
    receiving: AtomicUsize,
}

/// A webhook being received, until dropped.
pub(crate) struct Receiving(Work);

impl Drop for Receiving {
    fn drop(&mut self) {
        (self.0).0.receiving.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Work {
    pub(crate) fn receiving(&self) -> Receiving {
        self.0.receiving.fetch_add(1, Ordering::SeqCst);
        Receiving(self.clone())
    }

    /// The worker finished a job.
    pub(crate) fn job_done(&self) {
        self.0.jobs.fetch_sub(1, Ordering::SeqCst);
    }

    pub(crate) fn jobs(&self) -> usize {
        self.0.jobs.load(Ordering::SeqCst)
    }

    pub(crate) fn receiving_now(&self) -> usize {
        self.0.receiving.load(Ordering::SeqCst)
    }
}

/// Queues jobs for the pipeline worker, counting them as work in hand.
#[derive(Clone, Debug)]
pub(crate) struct JobSender {
    tx: UnboundedSender<Job>,
    work: Work,
}

impl JobSender {
    pub(crate) fn new(tx: UnboundedSender<Job>, work: Work) -> JobSender {
        JobSender { tx, work }
    }

    pub(crate) fn send(&self, job: Job) -> Result<(), PipelineGone> {
        self.work.0.jobs.fetch_add(1, Ordering::SeqCst);
        self.tx.send(job).map_err(|_| {
            self.work.job_done();
            PipelineGone
        })
    }
}

/// The pipeline worker stopped: nobody will run the job.
#[derive(Debug)]
pub(crate) struct PipelineGone;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::held::RetryTask;

    #[test]
    fn a_job_is_work_from_queueing_until_done() {
        let work = Work::default();
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let jobs = JobSender::new(tx, work.clone());
        jobs.send(Job::Retry(1, RetryTask::Fulfil)).expect("queued");
        assert_eq!(work.jobs(), 1);
        assert!(rx.try_recv().is_ok());
        assert_eq!(work.jobs(), 1, "taken is not done");
        work.job_done();
        assert_eq!(work.jobs(), 0);
        drop(rx);
        assert!(jobs.send(Job::Retry(1, RetryTask::Fulfil)).is_err());
        assert_eq!(work.jobs(), 0, "a job nobody will run is no work");
    }
}
