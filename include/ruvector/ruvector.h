// Umbrella header: the whole public C++ API of ruvector.
#pragma once
#include "ruvector/database.h"
#include "ruvector/json.h"
#include "ruvector/metric.h"
#include "ruvector/options.h"
#include "ruvector/options_json.h"
#include "ruvector/result.h"
#include "ruvector/simd.h"
#include "ruvector/status.h"
#include "ruvector/storage.h"
#include "ruvector/types.h"
#include "ruvector/version.h"
