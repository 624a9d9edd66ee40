if(stderr MATCHES "CIPHERSTANDIN")
  juno_fail("the store's content was echoed")
endif()
