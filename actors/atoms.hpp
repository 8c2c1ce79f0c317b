#pragma once

#include <vector>

#include <caf/type_id.hpp>

#include "actors/messages.hpp"

// Every atom and message type of concertd, declared once.
CAF_BEGIN_TYPE_ID_BLOCK(concert, caf::first_custom_type_id)

  CAF_ADD_ATOM(concert, concert::atom, create, "create")
  CAF_ADD_ATOM(concert, concert::atom, flush, "flush")
  CAF_ADD_ATOM(concert, concert::atom, load, "load")
  CAF_ADD_ATOM(concert, concert::atom, ping, "ping")
  CAF_ADD_ATOM(concert, concert::atom, recover, "recover")
  CAF_ADD_ATOM(concert, concert::atom, concerts, "concerts")

  CAF_ADD_TYPE_ID(concert, (concert::new_user))
  CAF_ADD_TYPE_ID(concert, (concert::user_record))
  CAF_ADD_TYPE_ID(concert, (concert::concert_info))
  CAF_ADD_TYPE_ID(concert, (std::vector<concert::concert_info>))

CAF_END_TYPE_ID_BLOCK(concert)
