#include "close_codes.h"
