"""Every registry of easycv_like, each a child of mmengine's root registry of the same kind.

Children let mmengine's Runner build our classes (with ``default_scope='easycv_like'``) and let our
configs name mmengine/torch classes too (a lookup falls back to the parent). An unknown ``type``
fails at build time with an error that names the registry and the closest registered names
(also a name mmengine would resolve to an importable module, e.g. ``'tfrecord'``, the pip package);
the data-source registry also takes the former source spellings of ``source_names.py``;
a ``ConfigError`` raised while building names the config path of the part (``config_path.py``).
"""
import inspect
from typing import Optional

from mmengine import registry as mmengine_registry
from mmengine.registry import Registry as MMEngineRegistry

from . import config_path
from .errors import closest
from .source_names import FORMER_NAMES

SCOPE = 'easycv_like'


class Registry(MMEngineRegistry):
    """mmengine Registry whose failed lookups raise ``KeyError`` naming the closest matches and
    whose builds name the config path in a ``ConfigError``.

    Args (beyond mmengine's): aliases: former names mapped to registered ones.
    """

    def __init__(self, *args, aliases: Optional[dict] = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.aliases = dict(aliases or {})

    def build(self, cfg, *args, **kwargs):
        with config_path.building(cfg):
            return super().build(cfg, *args, **kwargs)

    def get(self, key):
        obj = super().get(self.aliases.get(key, key))
        if inspect.ismodule(obj):  # mmengine's fallback imported a module of that name
            obj = None
        if obj is None and isinstance(key, str):
            raise KeyError(self.unknown_type_message(key))
        return obj

    def __contains__(self, key):
        try:
            return self.get(key) is not None
        except KeyError:
            return False

    def all_names(self):
        """Names visible from this registry: its own and every ancestor's."""
        names, node = set(), self
        while node is not None:
            names.update(node.module_dict)
            node = node.parent
        return sorted(names)

    def unknown_type_message(self, key):
        return (f"Unknown type '{key}' in the '{self.name}' registry of {self.scope}"
                f"{closest(key, self.all_names(), n=3, cutoff=0.5)}. Check the spelling, or "
                "register the class and import its module (config key `custom_imports`).")


def _child(parent, name, locations):
    return Registry(name, parent=parent, scope=SCOPE, locations=locations)


# utils.checkpoint routes init_cfg=Pretrained loads through our weights-only loader
MODELS = _child(mmengine_registry.MODELS, 'model', ['easycv_like.models',
                                                    'easycv_like.utils.checkpoint'])
DATASETS = _child(mmengine_registry.DATASETS, 'dataset', ['easycv_like.data'])
DATA_SOURCES = Registry('data source', scope=SCOPE, locations=['easycv_like.data'],
                        aliases=FORMER_NAMES)
TRANSFORMS = _child(mmengine_registry.TRANSFORMS, 'transform', ['easycv_like.data'])
DATA_SAMPLERS = _child(mmengine_registry.DATA_SAMPLERS, 'data sampler', ['easycv_like.data'])
FUNCTIONS = _child(mmengine_registry.FUNCTIONS, 'function', ['easycv_like.data'])
METRICS = _child(mmengine_registry.METRICS, 'metric', ['easycv_like.evaluation'])
EVALUATORS = METRICS  # EasyCV name: evaluators are mmengine metrics
HOOKS = _child(mmengine_registry.HOOKS, 'hook', ['easycv_like.engine'])
LOOPS = _child(mmengine_registry.LOOPS, 'loop', ['easycv_like.engine'])
OPTIMIZERS = _child(mmengine_registry.OPTIMIZERS, 'optimizer', ['easycv_like.engine'])
OPTIM_WRAPPERS = _child(mmengine_registry.OPTIM_WRAPPERS, 'optim_wrapper',
                        ['easycv_like.engine'])
OPTIM_WRAPPER_CONSTRUCTORS = _child(mmengine_registry.OPTIM_WRAPPER_CONSTRUCTORS,
                                    'optimizer wrapper constructor',
                                    ['easycv_like.engine'])
PARAM_SCHEDULERS = _child(mmengine_registry.PARAM_SCHEDULERS, 'parameter scheduler',
                          ['easycv_like.engine'])
MODEL_WRAPPERS = _child(mmengine_registry.MODEL_WRAPPERS, 'model_wrapper', ['easycv_like.engine'])
LOG_PROCESSORS = _child(mmengine_registry.LOG_PROCESSORS, 'log_processor', ['easycv_like.engine'])
VISBACKENDS = _child(mmengine_registry.VISBACKENDS, 'vis_backend', ['easycv_like.engine'])

# Children of mmengine's remaining root registries. The Runner builds e.g. its Visualizer and
# mmengine builds `init_cfg` initialisers with default_scope='easycv_like'; without a child of
# that scope in every registry tree, mmengine warns "Failed to search registry with scope" and
# falls back to its own registry. Every lookup here goes to the parent.
RUNNERS = _child(mmengine_registry.RUNNERS, 'runner', ['easycv_like.engine'])
RUNNER_CONSTRUCTORS = _child(mmengine_registry.RUNNER_CONSTRUCTORS, 'runner constructor',
                             ['easycv_like.engine'])
STRATEGIES = _child(mmengine_registry.STRATEGIES, 'strategy', ['easycv_like.engine'])
WEIGHT_INITIALIZERS = _child(mmengine_registry.WEIGHT_INITIALIZERS, 'weight initializer',
                             ['easycv_like.models'])
EVALUATOR = _child(mmengine_registry.EVALUATOR, 'evaluator', ['easycv_like.evaluation'])
TASK_UTILS = _child(mmengine_registry.TASK_UTILS, 'task util', ['easycv_like.models'])
VISUALIZERS = _child(mmengine_registry.VISUALIZERS, 'visualizer', ['easycv_like.engine'])
INFERENCERS = _child(mmengine_registry.INFERENCERS, 'inferencer', ['easycv_like.predictors'])
