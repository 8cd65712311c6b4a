"""Reading a finished run's evaluations back from its JSON log."""
import json

from easycv_like.apis.results import evaluation_records, evaluation_summary, last_metrics


def _write_log(work_dir, run, records):
    log = work_dir / run / 'vis_data' / 'scalars.json'
    log.parent.mkdir(parents=True)
    log.write_text(''.join(json.dumps(r) + '\n' for r in records))


def test_records_summary_and_last_metrics_come_from_the_newest_run(tmp_path):
    _write_log(tmp_path, '20260101_000000', [{'knn/knn_top1': 10.0, 'step': 3}])
    _write_log(tmp_path, '20260102_000000', [
        {'knn/knn_top1': 94.72, 'knn/knn_top5': 100.0, 'step': 0},
        {'loss': 4.5, 'lr': 0.03, 'step': 44},
        {'knn/knn_top1': 96.0, 'knn/knn_top5': 100.0, 'other/acc': 1.0, 'step': 5},
        {'knn/knn_top1': 97.5, 'knn/knn_top5': 100.0, 'step': 15}])
    records = evaluation_records(str(tmp_path), ['knn'])
    assert [r['step'] for r in records] == [0, 5, 15]
    assert 'other/acc' not in records[1]
    assert last_metrics(str(tmp_path), ['knn']) == {'knn/knn_top1': 97.5, 'knn/knn_top5': 100.0}
    assert evaluation_summary(records, 'epoch') == [
        'knn/knn_top1: 94.72 before training -> 97.50 at epoch 15',
        'knn/knn_top5: 100.00 before training -> 100.00 at epoch 15']
    assert evaluation_summary(records[2:]) == ['knn/knn_top1: 97.50 at step 15',
                                               'knn/knn_top5: 100.00 at step 15']
    assert evaluation_summary([]) == [] and last_metrics(str(tmp_path), ['none']) == {}


def test_train_cli_prints_first_and_last_evaluation(tmp_path, tiny_config, capsys):
    from easycv_like.apis.train_cli import main
    main([tiny_config, '--work_dir', str(tmp_path / 'W'), '--cfg-options', 'total_epochs=1',
          'eval_config.initial=True'])
    printed = [line for line in capsys.readouterr().out.splitlines() if line.startswith('val/')]
    assert printed and printed[0].startswith('val/top1: ')
    assert all(' before training -> ' in line and line.endswith(' at epoch 1') for line in printed)


def test_an_iteration_based_run_logs_its_evaluations_at_their_iteration(tmp_path, tiny_config,
                                                                        capsys):
    """mmengine logs validation metrics at the epoch unless told otherwise: an iteration-based
    run's evaluation after iteration 2 was logged at step 0 and printed as 'before training'."""
    from easycv_like.apis.train_cli import main
    main([tiny_config, '--work_dir', str(tmp_path / 'W'), '--cfg-options', 'total_epochs=None',
          'total_iters=2', 'lr_config.warmup_iters=1', 'eval_config.interval=2',
          'checkpoint_config.interval=2', 'eval_config.initial=True'])
    assert [r['step'] for r in evaluation_records(str(tmp_path / 'W'), ['val'])] == [0, 2]
    printed = [line for line in capsys.readouterr().out.splitlines() if line.startswith('val/')]
    assert printed and all(' before training -> ' in line and line.endswith(' at iteration 2')
                           for line in printed)
