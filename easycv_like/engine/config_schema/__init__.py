"""The typed config schema: ``SCHEMA`` (keys.py) and ``validate_config`` (validate.py)."""
from ...errors import ConfigError
from .keys import LOGGER_TYPES, SCHEMA
from .spec import REQUIRED, Key
from .validate import check_inference_config, iter_schema, section, validate_config

__all__ = ['ConfigError', 'Key', 'LOGGER_TYPES', 'REQUIRED', 'SCHEMA', 'check_inference_config',
           'iter_schema', 'section', 'validate_config']
